"""Application services for test-taking: persistence of assessments, answers and knowledge elements,
and the use cases that load a learner, call the engine and store its decisions in one transaction."""
