"""The local stack: real Kafka, FerretDB, the provider sandbox and the services as processes."""
