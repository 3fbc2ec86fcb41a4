"""Compute units: the step vocabulary a unit plans an operation into (:mod:`.plan`), closed-form
systolic-array timing (:mod:`.systolic_timing`) and the digital unit kinds (:mod:`.units`)."""
