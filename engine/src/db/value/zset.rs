//! ZSetValue: the zset type's representation. A placeholder until the zset
//! family lands: no command creates one yet.

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ZSetValue {}

impl ZSetValue {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }
}
