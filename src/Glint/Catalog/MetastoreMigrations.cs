namespace Glint.Catalog;

/// <summary>
/// The metastore's schema as numbered migrations, applied in order on open and recorded in
/// glint_schema_migrations. Never edit a migration that has shipped; add the next one.
/// The SQL is the subset SQLite and PostgreSQL share.
/// </summary>
internal static class MetastoreMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE glint_databases (
                name TEXT PRIMARY KEY,
                description TEXT NOT NULL,
                created_ms BIGINT NOT NULL);
            CREATE TABLE glint_tables (
                database_name TEXT NOT NULL REFERENCES glint_databases (name) ON DELETE CASCADE,
                name TEXT NOT NULL,
                definition TEXT NOT NULL,
                version BIGINT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (database_name, name));
            CREATE TABLE glint_table_versions (
                database_name TEXT NOT NULL,
                table_name TEXT NOT NULL,
                version BIGINT NOT NULL,
                definition TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                PRIMARY KEY (database_name, table_name, version),
                FOREIGN KEY (database_name, table_name) REFERENCES glint_tables (database_name, name) ON DELETE CASCADE);
            CREATE TABLE glint_partitions (
                database_name TEXT NOT NULL,
                table_name TEXT NOT NULL,
                values_key TEXT NOT NULL,
                location TEXT NOT NULL,
                file_count BIGINT NOT NULL,
                bytes BIGINT NOT NULL,
                row_count BIGINT NULL,
                fingerprint TEXT NOT NULL,
                state TEXT NOT NULL,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (database_name, table_name, values_key),
                FOREIGN KEY (database_name, table_name) REFERENCES glint_tables (database_name, name) ON DELETE CASCADE);
            """),
        (2, """
            CREATE TABLE glint_jobs (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL);
            CREATE TABLE glint_runs (
                run_id TEXT PRIMARY KEY,
                job_name TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                previous_run_id TEXT NULL,
                state TEXT NOT NULL,
                arguments TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                ended_ms BIGINT NULL,
                heartbeat_ms BIGINT NOT NULL,
                stop_requested INTEGER NOT NULL,
                error TEXT NULL,
                record TEXT NULL);
            CREATE INDEX glint_runs_by_job ON glint_runs (job_name, state);
            CREATE TABLE glint_bookmarks (
                job_name TEXT NOT NULL,
                source_name TEXT NOT NULL,
                state TEXT NOT NULL,
                run_id TEXT NOT NULL,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (job_name, source_name));
            """),
        (3, """
            CREATE TABLE glint_task_attempts (
                run_id TEXT NOT NULL,
                attempt_id TEXT NOT NULL,
                stage INTEGER NOT NULL,
                task INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                slot TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                ended_ms BIGINT NOT NULL,
                succeeded INTEGER NOT NULL,
                rows_in BIGINT NULL,
                rows_out BIGINT NULL,
                bytes_out BIGINT NULL,
                error TEXT NULL,
                PRIMARY KEY (run_id, attempt_id));
            """),
        (4, """
            CREATE TABLE glint_bookmark_history (
                job_name TEXT NOT NULL,
                source_name TEXT NOT NULL,
                run_id TEXT NOT NULL,
                state TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                PRIMARY KEY (job_name, source_name, run_id));
            """),
        (5, """
            ALTER TABLE glint_task_attempts ADD COLUMN input_bytes BIGINT NULL;
            """),
        (6, """
            ALTER TABLE glint_task_attempts ADD COLUMN description TEXT NULL;
            """),
        (7, """
            ALTER TABLE glint_task_attempts ADD COLUMN slots INTEGER NULL;
            """),
        (8, """
            CREATE TABLE glint_crawlers (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL);
            CREATE TABLE glint_crawls (
                crawl_id TEXT PRIMARY KEY,
                crawler_name TEXT NOT NULL,
                state TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                record TEXT NOT NULL);
            CREATE INDEX glint_crawls_by_crawler ON glint_crawls (crawler_name, started_ms);
            CREATE TABLE glint_connections (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL);
            CREATE TABLE glint_tags (
                resource TEXT NOT NULL,
                tag_key TEXT NOT NULL,
                tag_value TEXT NOT NULL,
                PRIMARY KEY (resource, tag_key));
            CREATE TABLE glint_documents (
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                document TEXT NOT NULL,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (kind, name));
            """),
    ];
}
