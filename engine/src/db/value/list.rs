//! ListValue: the list type's representation. A placeholder until the list
//! family lands: no command creates one yet.

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListValue {}

impl ListValue {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }
}
