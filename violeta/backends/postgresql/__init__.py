"""Django's PostgreSQL backend, with small multi-row inserts written as ``VALUES`` lists.

Django 5.2 writes every multi-row insert as ``SELECT * FROM UNNEST(...)``, one array per
column: its plan does not grow with the rows. But casting each array costs about 0.1 ms on every
insert, which is more than planning a short ``VALUES`` list costs: measured on the intake's
tables, ``VALUES`` is faster up to about 200 values (7 parties, 18 audit entries) and
``UNNEST`` beyond. Every other behaviour is Django's.
"""
