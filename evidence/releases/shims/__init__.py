"""Start-up shims of release-set environments: each module restores what a newer Python removed (see
:attr:`evidence.releases.model.ReleaseSet.shims`); copied into the environment, never imported by the project."""
