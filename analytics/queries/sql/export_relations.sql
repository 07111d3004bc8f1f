-- Exportable tables and views with their columns.
SELECT table_name, list(column_name ORDER BY ordinal_position)
FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database()
GROUP BY table_name
