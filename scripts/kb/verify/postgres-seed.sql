-- The roles, database and tables the runbooks and SOPs assume (RDS `plasma-prod-postgres`,
-- database `plasma`, master user `plasma_admin`); loaded by kb.verify.stack into a local PostgreSQL 15.
CREATE ROLE plasma_admin LOGIN CREATEROLE CREATEDB;
GRANT pg_signal_backend, pg_read_all_stats TO plasma_admin;
CREATE DATABASE plasma OWNER plasma_admin;
\connect plasma plasma_admin
CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    title text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO documents (title, created_at)
SELECT 'document ' || n, now() - n * interval '1 minute' FROM generate_series(1, 50) AS n;
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('0042_documents_created_at');
