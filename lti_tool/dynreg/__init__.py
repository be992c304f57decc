"""LTI Dynamic Registration (1EdTech LTI-DR 1.0), as Moodle 4.x and looser platforms practise it."""
