"""kvt's advisor: ranks the options for a user's answers from the claims' typed assessments; never imports a
deep-learning framework, and never reads a result's raw measurements.

- :mod:`advisor.assessments`: the assessments, read through :mod:`evidence.results` (the one reader of result
  files), per claim and venue, or the reader's message when a result needs a rerun;
- :mod:`advisor.criteria`: the criteria, each with a named reader per variant (:mod:`advisor.readers`) asking an
  assessment's fields and queries;
- :mod:`advisor.constraints`: the hard requirements (met / not verified / failed) and their checks;
- :mod:`advisor.questions`: the questionnaire as data, and the parsing of answers; :mod:`advisor.profile`:
  answers -> :class:`~advisor.profile.Profile` (weights by a declared rule, requirements, variants, fit) in one
  step;
- :mod:`advisor.options`: what the advisor knows beyond the evidence (ecosystems, pretrained hubs, accelerators
  and venues), with its public sources; the option map itself is :mod:`evidence.options`;
- :mod:`advisor.ranking`: :class:`~advisor.ranking.Ranker`, the scoring and ranking arithmetic (no scikit-learn);
  :mod:`advisor.model`: :class:`~advisor.model.Advisor`, the same as a scikit-learn estimator;
- :mod:`advisor.confidence`: the seeded draws behind the confidence (reproducible in a browser);
- :mod:`advisor.export`: everything the ranking needs as JSON, for the site's browser advisor;
- :mod:`advisor.scenarios`: reference personas scored with scikit-learn's ranking metrics;
- :mod:`advisor.answers`, :mod:`advisor.prompts`, :mod:`advisor.render`: answers files, the questionnaire at a
  terminal, the output (80 columns, wider, Markdown); the commands ``kvt advise`` and ``kvt questions`` that use
  them are :mod:`kvt.commands.advise` and :mod:`kvt.commands.questions`.
"""
