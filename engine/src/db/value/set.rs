//! SetValue: the set type's representation. A placeholder until the set
//! family lands: no command creates one yet.

#[derive(Clone, Debug, PartialEq, Default)]
pub struct SetValue {}

impl SetValue {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }
}
