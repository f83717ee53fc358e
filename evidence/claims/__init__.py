"""One module (or package) per claim; each defines ``CLAIM``, an instance of :class:`evidence.claim.Claim`."""
