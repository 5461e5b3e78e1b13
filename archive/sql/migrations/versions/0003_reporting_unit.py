"""reporting unit: ``unit`` and ``unit_kind`` on report versions (issue 15)

The reporting body as the report names it (向家镇, 仁寿县教育和体育局, 眉山天府新区) and its kind
(township, subdistrict, department, government, zone, other). Rows stored before this revision get
them from the township they name; ``gongkai reprocess`` fills every row from its archived page.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 06:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "report_versions"
# a stored township is the unit; its kind is read off the name as pipelines.extract.unit does
BACKFILL = (
    f"UPDATE {TABLE} SET unit = township, "
    "unit_kind = CASE WHEN township LIKE '%街道' THEN 'subdistrict' ELSE 'township' END "
    "WHERE township IS NOT NULL"
)


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("unit_kind", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_versions_unit"), ["unit"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_versions_unit_kind"), ["unit_kind"], unique=False)
        batch_op.create_index("ix_report_versions_unit_year", ["unit", "report_year"], unique=False)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_report_versions_unit_year", table_name=TABLE)
    op.drop_index("ix_report_versions_unit_kind", table_name=TABLE)
    op.drop_index("ix_report_versions_unit", table_name=TABLE)
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would have to drop the old one,
    # which the foreign keys of findings and statistics forbid once the archive holds reports
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN unit_kind")
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN unit")
