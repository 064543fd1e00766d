"""The storage layer: the only package that opens the database, and the only place with SQL.

One module per noun, imported by name (`from hunnan_gk.storage.requests import find_request`):

- `db`        open (create, migrate, refuse a foreign or newer file), write transactions,
              backup, integrity check, SQLite errors in Chinese, the one insert helper
- `audit`     appending events to the hash chain and verifying it (the chain itself is
              pure, in `hunnan_gk.audit`)
- `requests`  requests, their consultations, events and appeals; the fee's month position
- `reports`   the queries behind the overdue report, the annual report and the ledger export
- `notify`    what the morning e-mail sent, and the named locks
- `catalogue` the catalogue's publication log (catalog publish, report catalogue)
- `bulk`      whole histories at once: ledger imports and the benchmark databases
"""
