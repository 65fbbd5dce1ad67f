// quiz UI: written with the quiz issue
