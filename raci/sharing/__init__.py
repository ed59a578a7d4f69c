"""Share links: a read-only link to the published who-does-what of one matrix, for people
without an account. Owners create, name, time-limit and revoke them; every use is counted."""
