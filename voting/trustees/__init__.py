"""The trustees of a conference's secret ballot and the key ceremony that gives them the election key."""
