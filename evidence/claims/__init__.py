"""One module per claim of CLAIMS.md; each defines ``CLAIM``, an instance of :class:`evidence.claim.Claim`."""
