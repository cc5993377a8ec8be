"""The guided lesson: its steps and challenges, and the page that shows them."""
