//! HashValue: the hash type's representation. A placeholder until the hash
//! family lands: no command creates one yet.

#[derive(Clone, Debug, PartialEq, Default)]
pub struct HashValue {}

impl HashValue {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }
}
