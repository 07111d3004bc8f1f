-- Any table or view ($relation: a name from the database's own list), narrowed by its time
-- column and entity when it has them.
SELECT * FROM query_table($relation) WHERE {{export_period}} AND {{export_entity}}
