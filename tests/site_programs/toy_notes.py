"""An unpaired program of the toy claim: shown in its own tab.

``SEARCH_PROBE`` is a word that appears nowhere on the site but in this listing: the search must not find it.
"""

NOTES = "unpaired"
SEARCH_PROBE = "xylophonequartz"
