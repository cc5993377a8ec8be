"""The StatLand page's sections: the unrolled network, its diagram, the four rules."""
