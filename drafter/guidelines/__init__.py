"""Stage 3, the guideline engine: deterministic decisions, no LLM.

- classify.py  parses a free-text request into RequestDetails (category, regions, visits, drug, ...);
- registry.py  decides an item (decide_item), lists the rules (describe_rules), versions them (RULES_VERSION);
- rules.py     the Rule / Criterion building blocks and the table topic modules register into;
- citations.py the MTUS edition in force on the UR date and the citation as letters print it;
- facts.py, common.py, visits.py  queries and criteria shared by several topics;
- drugs.py     brand and generic drug names mapped to drug classes;
- every other module is a guideline topic (spine_imaging.py, acupuncture.py, opioids.py, ...) whose rules
  register themselves when the package loads them.
"""
