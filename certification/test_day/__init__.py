"""The test day (issue 19, second half): the candidate's way into a certification session and through its test,
and the invigilator's space. Use cases over the certification tables, the engine deciding every question."""
