"""An unpaired program of the toy claim: shown in its own tab."""

NOTES = "unpaired"
