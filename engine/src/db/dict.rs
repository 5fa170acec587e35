//! The keyspace hash table with incremental rehash.
//!
//! INTERFACE PLACEHOLDER: replaced by the real table (two bucket arrays, a
//! rehash index, reverse-binary SCAN cursor). Nothing uses this file yet.
