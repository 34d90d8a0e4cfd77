"""0013: one cash ledger per shift: every movement of cash in or out of the drawer is a row.

The X/Z expected cash is the sum of the shift's rows, so nothing that moves cash can be left out
of it (cash refunds were). Rows are written by triggers inside the transaction that stores the
float (shift), the sale's cash payment, the refund's cash payout or the cash movement, so the
ledger can never disagree with them. Amounts are signed: into the drawer positive. The ledger is
append-only, like the journal.
"""

VERSION = 13

_SALE = "(SELECT {col} FROM sale WHERE id = NEW.sale_id)"
_CASH_BACK = (
    "SELECT COALESCE(SUM(json_extract(t.value, '$[3]')), 0) "
    "FROM json_each({detail}, '$.tenders') t WHERE json_extract(t.value, '$[1]') = 'cash'"
)

STATEMENTS = [
    """CREATE TABLE cash_ledger (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, shift_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('float', 'sale', 'refund', 'paid_in', 'paid_out', 'drop', 'no_sale')),
        amount_minor INTEGER NOT NULL, source_id TEXT NOT NULL, user_name TEXT,
        created_at TEXT NOT NULL)""",
    "CREATE INDEX cash_ledger_shift ON cash_ledger (shift_id, kind, user_name)",
    """CREATE TRIGGER cash_ledger_no_update BEFORE UPDATE ON cash_ledger
        BEGIN SELECT RAISE(ABORT, 'the cash ledger is append-only'); END""",
    """CREATE TRIGGER cash_ledger_no_delete BEFORE DELETE ON cash_ledger
        BEGIN SELECT RAISE(ABORT, 'the cash ledger is append-only'); END""",
    """CREATE TRIGGER cash_ledger_float AFTER INSERT ON shift
    BEGIN
        INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        VALUES (NEW.id, 'float', NEW.float_minor, NEW.id, NEW.opened_by, NEW.opened_at);
    END""",
    # Cash kept from a sale: the payment's amount is already net of change, rounding included.
    f"""CREATE TRIGGER cash_ledger_sale AFTER INSERT ON payment
    WHEN NEW.tender = 'cash' AND {_SALE.format(col="status")} = 'completed'
    BEGIN
        INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        VALUES (COALESCE({_SALE.format(col="shift_id")}, ''), 'sale', NEW.amount_minor,
            NEW.sale_id, {_SALE.format(col="cashier")}, NEW.created_at);
    END""",
    f"""CREATE TRIGGER cash_ledger_refund AFTER INSERT ON refund
    WHEN ({_CASH_BACK.format(detail="NEW.detail")}) > 0
    BEGIN
        INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        VALUES (COALESCE(NEW.shift_id, ''), 'refund', -({_CASH_BACK.format(detail="NEW.detail")}),
            NEW.id, NEW.cashier, NEW.completed_at);
    END""",
    """CREATE TRIGGER cash_ledger_movement AFTER INSERT ON cash_movement
    BEGIN
        INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        VALUES (NEW.shift_id, NEW.kind,
            CASE NEW.kind WHEN 'paid_in' THEN NEW.amount_minor WHEN 'no_sale' THEN 0
                ELSE -NEW.amount_minor END,
            NEW.id, NEW.user_name, NEW.created_at);
    END""",
    # Back-fill what earlier versions stored, in time order per kind.
    """INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        SELECT id, 'float', float_minor, id, opened_by, opened_at FROM shift ORDER BY opened_at""",
    """INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        SELECT COALESCE(s.shift_id, ''), 'sale', p.amount_minor, p.sale_id, s.cashier,
            p.created_at
        FROM payment p JOIN sale s ON s.id = p.sale_id
        WHERE p.tender = 'cash' AND s.status = 'completed' ORDER BY p.created_at""",
    f"""INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        SELECT COALESCE(r.shift_id, ''), 'refund', -({_CASH_BACK.format(detail="r.detail")}),
            r.id, r.cashier, r.completed_at
        FROM refund r WHERE ({_CASH_BACK.format(detail="r.detail")}) > 0
        ORDER BY r.completed_at""",
    """INSERT INTO cash_ledger (shift_id, kind, amount_minor, source_id, user_name, created_at)
        SELECT shift_id, kind, CASE kind WHEN 'paid_in' THEN amount_minor WHEN 'no_sale' THEN 0
            ELSE -amount_minor END, id, user_name, created_at
        FROM cash_movement ORDER BY created_at""",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
