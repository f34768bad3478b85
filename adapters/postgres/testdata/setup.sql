-- Test database of package github.com/iso27035/iso27035/adapters/postgres.
--
-- Run it once as a superuser with psql (it uses \gexec); it is idempotent,
-- so a CI script may run it on every build:
--
--     psql -v ON_ERROR_STOP=1 -U postgres -h 127.0.0.1 -f adapters/postgres/testdata/setup.sql
--
-- then point the tests at the database:
--
--     ISO27035_POSTGRES_DSN='postgres://iso27035:iso27035@127.0.0.1:5432/iso27035_test?sslmode=disable'
--
-- The role owns the database, so it may create the schemas the tests make
-- for themselves (one per test, dropped when the test ends) and needs no
-- other privilege. The password is for servers that do not trust local
-- connections; it guards nothing but a throwaway test database.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iso27035') THEN
		CREATE ROLE iso27035 LOGIN PASSWORD 'iso27035';
	END IF;
END
$$;

SELECT 'CREATE DATABASE iso27035_test OWNER iso27035'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'iso27035_test')
\gexec

ALTER DATABASE iso27035_test OWNER TO iso27035;
