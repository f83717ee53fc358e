"""kvt's advisor and command line. Reads result files only; never imports a deep-learning framework.

- :mod:`advisor.options`: the options compared and what holds of them by definition;
- :mod:`advisor.result_files`: result files read with :mod:`json` (no pydantic on the ``advise`` path);
- :mod:`advisor.criteria`: one named reader per criterion, from the claims' results;
- :mod:`advisor.constraints`: hard constraints and the lookups that show a path working;
- :mod:`advisor.portability`, :mod:`advisor.distributed`: shared reading of those two claims' results;
- :mod:`advisor.questions`: the questionnaire as data, and answers -> weights;
- :mod:`advisor.model`: the scikit-learn estimator (``fit`` on results, ``rank`` for answers);
- :mod:`advisor.scenarios`: reference scenarios scored with scikit-learn's ranking metrics;
- :mod:`advisor.prompts`, :mod:`advisor.advise_cli`: ``kvt advise`` and ``kvt questions``; :mod:`advisor.cli`: ``kvt``.
"""
