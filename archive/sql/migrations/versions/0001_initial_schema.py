"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 06:37:48.837701
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('finish_reason', sa.String(length=100), nullable=True),
    sa.Column('site', sa.String(length=100), nullable=True),
    sa.Column('worker_id', sa.String(length=100), nullable=True),
    sa.Column('data_dir', sa.Text(), nullable=True),
    sa.Column('start_urls', sa.JSON(), nullable=False),
    sa.Column('software', sa.String(length=100), nullable=False),
    sa.Column('pages_fetched', sa.Integer(), nullable=False),
    sa.Column('reports_seen', sa.Integer(), nullable=False),
    sa.Column('versions_new', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warc_bytes', sa.BigInteger(), nullable=False),
    sa.Column('not_modified', sa.Integer(), nullable=False),
    sa.Column('revisits', sa.Integer(), nullable=False),
    sa.Column('reports_new', sa.Integer(), nullable=False),
    sa.Column('reports_changed', sa.Integer(), nullable=False),
    sa.Column('reports_removed', sa.Integer(), nullable=False),
    sa.Column('exit_status', sa.Integer(), nullable=True),
    sa.Column('resumes_run_id', sa.Integer(), nullable=True),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['resumes_run_id'], ['crawl_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    op.create_table('captures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=200), nullable=True),
    sa.Column('content_length', sa.BigInteger(), nullable=True),
    sa.Column('record_type', sa.String(length=20), nullable=True),
    sa.Column('warc_filename', sa.String(length=255), nullable=True),
    sa.Column('warc_offset', sa.BigInteger(), nullable=True),
    sa.Column('warc_length', sa.BigInteger(), nullable=True),
    sa.Column('warc_record_id', sa.String(length=100), nullable=True),
    sa.Column('request_record_id', sa.String(length=100), nullable=True),
    sa.Column('payload_digest', sa.String(length=100), nullable=True),
    sa.Column('ip_address', sa.String(length=64), nullable=True),
    sa.Column('etag', sa.String(length=200), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('refers_to_capture_id', sa.Integer(), nullable=True),
    sa.Column('discovered_via', sa.String(length=20), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], ),
    sa.ForeignKeyConstraint(['refers_to_capture_id'], ['captures.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('warc_record_id')
    )
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.create_index('ix_captures_page_fetched', ['page_id', 'fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_captures_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_captures_warc', ['warc_filename', 'warc_offset'], unique=False)

    op.create_table('report_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('capture_id', sa.Integer(), nullable=False),
    sa.Column('last_capture_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extractor_version', sa.String(length=40), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('column_id', sa.String(length=40), nullable=True),
    sa.Column('column_name', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('visible_title', sa.Text(), nullable=True),
    sa.Column('township', sa.String(length=100), nullable=True),
    sa.Column('report_year', sa.Integer(), nullable=True),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('issuer', sa.Text(), nullable=True),
    sa.Column('index_no', sa.String(length=200), nullable=True),
    sa.Column('doc_no', sa.String(length=200), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('prev_url', sa.String(length=2048), nullable=True),
    sa.Column('next_url', sa.String(length=2048), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('raw_text', sa.Text(), nullable=False),
    sa.Column('clean_text', sa.Text(), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], ),
    sa.ForeignKeyConstraint(['last_capture_id'], ['captures.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('page_id', 'version_no')
    )
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_versions_report_year'), ['report_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_versions_township'), ['township'], unique=False)
        batch_op.create_index('ix_report_versions_township_year', ['township', 'report_year'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capture_id', sa.Integer(), nullable=True),
    sa.Column('previous_capture_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], ),
    sa.ForeignKeyConstraint(['previous_capture_id'], ['captures.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['report_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'page_id', 'event', name='uq_events_run_page_event')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_detected', ['detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_run_id'), ['run_id'], unique=False)

    op.create_table('spam_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('rule', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('replacement', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('signal', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['report_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('spam_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spam_findings_version_id'), ['version_id'], unique=False)

    op.create_table('statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=120), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('qualifier', sa.String(length=20), nullable=True),
    sa.Column('section', sa.Text(), nullable=True),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['report_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statistics', schema=None) as batch_op:
        batch_op.create_index('ix_statistics_metric', ['metric'], unique=False)
        batch_op.create_index(batch_op.f('ix_statistics_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_version_id'))
        batch_op.drop_index('ix_statistics_metric')

    op.drop_table('statistics')
    with op.batch_alter_table('spam_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spam_findings_version_id'))

    op.drop_table('spam_findings')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_run_id'))
        batch_op.drop_index('ix_events_detected')

    op.drop_table('events')
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_report_versions_township_year')
        batch_op.drop_index(batch_op.f('ix_report_versions_township'))
        batch_op.drop_index(batch_op.f('ix_report_versions_report_year'))

    op.drop_table('report_versions')
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.drop_index('ix_captures_warc')
        batch_op.drop_index(batch_op.f('ix_captures_run_id'))
        batch_op.drop_index('ix_captures_page_fetched')

    op.drop_table('captures')
    op.drop_table('pages')
    op.drop_table('crawl_runs')
