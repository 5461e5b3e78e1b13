"""Labelled spam evaluation sets: the hand-made set (``cases``) and the realistic site set
modelled on real injections (``sites``, scored by ``scoring``; leave-one-out in ``loo``)."""
