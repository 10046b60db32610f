"""The projector view: a display link that needs no account."""
