"""The schema, one migration a change. Names are `mNNN_description` and never edited once landed."""

from __future__ import annotations

MIGRATION_SET = "hunnan_gk"
#: hunnan-gk's schema marker in the SQLite header (PRAGMA application_id): "HNGK".
APPLICATION_ID = 0x484E474B
#: The table sqlite-utils' Migrations records applied migrations in.
MIGRATIONS_TABLE = "_sqlite_migrations"

#: Every migration's name, in the order they apply (the newest last).
MIGRATION_NAMES: list[str] = []
_FUNCTIONS: list = []
_migrations = None


def migration(fn):
    """Register `fn` as the next migration, named after the function."""
    MIGRATION_NAMES.append(fn.__name__)
    _FUNCTIONS.append(fn)
    return fn


def __getattr__(name: str):
    """`migrations`, the sqlite-utils Migrations of this schema: made on first use, so that
    opening an up-to-date database never imports sqlite-utils (≈0.05 s of every command)."""
    global _migrations
    if name != "migrations":
        raise AttributeError(name)
    if _migrations is None:
        from sqlite_utils.migrations import Migrations

        _migrations = Migrations(MIGRATION_SET)
        for fn in _FUNCTIONS:
            _migrations()(fn)
    return _migrations


@migration
def m001_requests_events(db):
    db.execute(
        """
        CREATE TABLE requests (
            number TEXT PRIMARY KEY,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            applicant TEXT NOT NULL,
            applicant_type TEXT NOT NULL,
            channel TEXT NOT NULL,
            received_on TEXT NOT NULL,
            content TEXT NOT NULL,
            id_number TEXT,
            phone TEXT,
            email TEXT,
            address TEXT,
            department TEXT,
            clerk TEXT,
            delivery TEXT,
            note TEXT,
            stage TEXT NOT NULL,
            clock_start_on TEXT NOT NULL,
            supplement_asked_on TEXT,
            supplement_until TEXT,
            supplement_received_on TEXT,
            extended_days INTEGER NOT NULL DEFAULT 0,
            outcome TEXT,
            outcome_on TEXT,
            replied_on TEXT,
            closed_on TEXT,
            last_event_on TEXT NOT NULL,
            imported INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (year, seq)
        )
        """
    )
    # The overdue report reads only requests without an outcome: keep them in a small index,
    # so its cost follows the open requests, not the history.
    db.execute("CREATE INDEX requests_open ON requests (received_on) WHERE outcome_on IS NULL")
    db.execute("CREATE INDEX requests_received ON requests (received_on)")
    db.execute("CREATE INDEX requests_outcome_on ON requests (outcome_on)")
    db.execute(
        """
        CREATE TABLE consultations (
            id INTEGER PRIMARY KEY,
            request_number TEXT NOT NULL REFERENCES requests(number),
            party TEXT NOT NULL,
            kind TEXT NOT NULL,
            start_on TEXT NOT NULL,
            end_on TEXT
        )
        """
    )
    db.execute("CREATE INDEX consultations_request ON consultations (request_number)")
    db.execute(
        """
        CREATE TABLE counters (
            year INTEGER PRIMARY KEY,
            last_seq INTEGER NOT NULL
        )
        """
    )
    # The audit trail: append-only, each event holding the hash of the one before.
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            request_number TEXT NOT NULL REFERENCES requests(number),
            action TEXT NOT NULL,
            stage_before TEXT,
            stage_after TEXT,
            happened_on TEXT NOT NULL,
            at TEXT NOT NULL,
            clerk TEXT NOT NULL,
            note TEXT,
            data TEXT NOT NULL,
            imported INTEGER NOT NULL DEFAULT 0,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX events_request ON events (request_number, id)")
    db.execute(
        """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """
    )
    db.execute(
        """
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """
    )


@migration
def m002_appeals(db):
    # Annual report section 四: 行政复议 and 行政诉讼 brought against a request's handling.
    db.execute(
        """
        CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            request_number TEXT NOT NULL REFERENCES requests(number),
            kind TEXT NOT NULL,
            filed_on TEXT NOT NULL,
            result TEXT,
            decided_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX appeals_request ON appeals (request_number, kind)")


@migration
def m003_notifications(db):
    # What `notify` sent, so that a second run on the same day sends nothing new (issue 4):
    # one row per e-mail, and the requests it listed at the light they had.
    db.execute(
        """
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            sent_on TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            as_of TEXT NOT NULL,
            scope TEXT NOT NULL,
            recipients TEXT NOT NULL,
            subject TEXT NOT NULL,
            forced INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX notifications_day ON notifications (sent_on, scope)")
    db.execute(
        """
        CREATE TABLE notified (
            notification_id INTEGER NOT NULL REFERENCES notifications(id),
            request_number TEXT NOT NULL REFERENCES requests(number),
            light TEXT NOT NULL,
            PRIMARY KEY (notification_id, request_number)
        )
        """
    )
    # Named locks with an expiry, so that two notify runs never both send and a crashed
    # run does not block the next morning's.
    db.execute(
        """
        CREATE TABLE locks (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            expires REAL NOT NULL
        )
        """
    )


@migration
def m004_ledger_imports(db):
    # Each imported ledger row's stable key (the ledger's own number, or a hash of receipt
    # date + applicant + content), so importing the same file twice adds nothing.
    db.execute(
        """
        CREATE TABLE ledger_keys (
            key TEXT PRIMARY KEY,
            request_number TEXT NOT NULL REFERENCES requests(number),
            source TEXT,
            source_row INTEGER,
            imported_at TEXT NOT NULL
        )
        """
    )


@migration
def m006_audit_head(db):
    # The chain's head (how many events, the last hash), kept by a trigger on every insert,
    # so that deleting the newest events (which leaves a shorter chain that still links up)
    # is found by `audit verify` too.
    db.execute(
        """
        CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            events INTEGER NOT NULL,
            last_hash TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        INSERT INTO audit_head (id, events, last_hash)
        SELECT 1, count(*), coalesce((SELECT hash FROM events ORDER BY id DESC LIMIT 1), ?)
        FROM events
        """,
        ["0" * 64],
    )
    db.execute(
        """
        CREATE TRIGGER events_head AFTER INSERT ON events
        BEGIN
            UPDATE audit_head SET events = events + 1, last_hash = NEW.hash WHERE id = 1;
        END
        """
    )


@migration
def m007_catalogue_publications(db):
    # The publication log of the proactive-disclosure catalogue (issue 17): each row says that
    # an item's information formed (or changed) on formed_on was published on published_on.
    # A catalogue is named by its 目录.名称 and 编制单位, so that moving the file keeps its log.
    # Rows are only added; a wrong record is answered by a corrected one, never an UPDATE.
    db.execute(
        """
        CREATE TABLE catalogue_publications (
            id INTEGER PRIMARY KEY,
            catalogue TEXT NOT NULL,
            unit TEXT NOT NULL,
            item_id TEXT NOT NULL,
            item_name TEXT,
            formed_on TEXT NOT NULL,
            published_on TEXT NOT NULL,
            url TEXT,
            title TEXT,
            clerk TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        "CREATE INDEX catalogue_publications_item ON catalogue_publications (catalogue, unit, item_id, published_on)"
    )


@migration
def m008_voids_and_late_supplements(db):
    # issue 11: a registration made by mistake is voided (kept, numbered, out of every count);
    # a 补正 notice sent after the 7 working days of 条例第30条 is kept as late on the request.
    db.execute("ALTER TABLE requests ADD COLUMN voided INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE requests ADD COLUMN void_reason TEXT")
    db.execute("ALTER TABLE requests ADD COLUMN supplement_late INTEGER NOT NULL DEFAULT 0")


@migration
def m009_departments(db):
    # Work across departments (issue 13): the request's handler and its proposed reply
    # (预答复) beside its other fields; assignments to departments (转办/签收/退回/完成) and
    # 督办 orders as records of their own, numbered within the request.
    for column in ("handler", "proposal_outcome", "proposal_reasons", "proposal_basis",
                   "proposal_other_organ", "proposal_other_contact", "proposed_on",
                   "proposal_approved_on"):
        db.execute(f"ALTER TABLE requests ADD COLUMN {column} TEXT")
    db.execute(
        """
        CREATE TABLE assignments (
            request_number TEXT NOT NULL REFERENCES requests(number),
            seq INTEGER NOT NULL,
            department TEXT NOT NULL,
            handler TEXT,
            assigned_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            accepted_on TEXT,
            handed_back_on TEXT,
            reason TEXT,
            submitted_on TEXT,
            PRIMARY KEY (request_number, seq)
        )
        """
    )
    db.execute("CREATE INDEX assignments_department ON assignments (department)")
    db.execute("CREATE INDEX assignments_handler ON assignments (handler)")
    db.execute(
        """
        CREATE TABLE supervisions (
            request_number TEXT NOT NULL REFERENCES requests(number),
            seq INTEGER NOT NULL,
            by_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            respond_by TEXT,
            closed_on TEXT,
            note TEXT,
            PRIMARY KEY (request_number, seq)
        )
        """
    )
    db.execute("CREATE INDEX supervisions_open ON supervisions (closed_on)")
    db.execute("CREATE INDEX requests_handler ON requests (handler)")


@migration
def m010_schema_marker(db):
    # Mark the file as hunnan-gk's (issue 11): an SQLite file without the marker (an empty one,
    # another program's) is refused by every command instead of being taken for a new record.
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migration
def m011_organs_and_fees(db):
    # issue 14: the organ (答复机关) that answers a request in its own name and reports it in
    # its annual report; the fee notice (收费通知, 国办函〔2020〕109号): its day, basis, amount
    # (whole yuan) and pages, and the day it was paid. A lapsed notice is the request's outcome
    # other_unpaid_fee.
    db.execute("ALTER TABLE requests ADD COLUMN organ TEXT")
    for column in ("fee_noticed_on", "fee_basis", "fee_paid_on"):
        db.execute(f"ALTER TABLE requests ADD COLUMN {column} TEXT")
    for column in ("fee_amount", "fee_pages"):
        db.execute(f"ALTER TABLE requests ADD COLUMN {column} INTEGER")
    db.execute("CREATE INDEX requests_organ ON requests (organ)")


@migration
def m012_applicant_indexes(db):
    # The same applicant's requests (issue 11): registration looks for a duplicate, `show`
    # lists the others, `list --id-number` finds them — by ID number or by name.
    db.execute("CREATE INDEX requests_id_number ON requests (id_number) WHERE id_number IS NOT NULL")
    db.execute("CREATE INDEX requests_applicant ON requests (applicant)")


@migration
def m013_letters(db):
    # issue 15: the letters (文书) issued for a request, each with its 文号 (a series per kind
    # and year, gap-free, never reused), the SHA-256 of the file written, what superseded it
    # and how it was delivered (送达); the applicant's organisation and agent; the items of
    # a 补正 notice (条例第30条: 一次性告知).
    for column in ("credit_code", "legal_rep", "contact_person", "agent", "agent_id",
                   "supplement_items"):
        db.execute(f"ALTER TABLE requests ADD COLUMN {column} TEXT")
    db.execute(
        """
        CREATE TABLE letter_counters (
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (kind, year)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            request_number TEXT NOT NULL REFERENCES requests(number),
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            letter_number TEXT NOT NULL UNIQUE,
            issued_on TEXT NOT NULL,
            outcome TEXT,
            variant TEXT,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            superseded_by TEXT,
            delivery_method TEXT,
            delivered_on TEXT,
            tracking TEXT,
            signed_by TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (kind, year, seq)
        )
        """
    )
    db.execute("CREATE INDEX letters_request ON letters (request_number, id)")


@migration
def m014_archive_waiting(db):
    # The morning mail lists requests waiting in 归档备查 (issue 13): keep them in a small
    # index, so that finding them does not read every request ever received.
    db.execute("CREATE INDEX requests_archive_waiting ON requests (outcome_on) WHERE stage = 'archive'")
