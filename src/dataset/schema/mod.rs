//! The tables pcapq writes, defined once: each column's name, type and one-sentence
//! meaning. The Arrow schemas, `pcapq schema` and the column tables of the docs all come
//! from these definitions.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Column types used by pcapq's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Boolean.
    Bool,
    /// Unsigned 8-bit integer.
    U8,
    /// Unsigned 16-bit integer.
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// 64-bit float.
    F64,
    /// UTF-8 text.
    Str,
    /// Timestamp, nanoseconds since the Unix epoch, UTC.
    TsNs,
    /// A list of UTF-8 texts.
    StrList,
    /// A list of unsigned 32-bit integers.
    U32List,
}

impl ColType {
    /// The Arrow type of the column.
    pub fn arrow(self) -> DataType {
        match self {
            ColType::Bool => DataType::Boolean,
            ColType::U8 => DataType::UInt8,
            ColType::U16 => DataType::UInt16,
            ColType::U32 => DataType::UInt32,
            ColType::U64 => DataType::UInt64,
            ColType::F64 => DataType::Float64,
            ColType::Str => DataType::Utf8,
            ColType::TsNs => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            ColType::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            ColType::U32List => {
                DataType::List(Arc::new(Field::new("item", DataType::UInt32, true)))
            }
        }
    }

    /// Short type name for documentation (`uint16`, `timestamp[ns, UTC]`, …).
    pub fn name(self) -> &'static str {
        match self {
            ColType::Bool => "bool",
            ColType::U8 => "uint8",
            ColType::U16 => "uint16",
            ColType::U32 => "uint32",
            ColType::U64 => "uint64",
            ColType::F64 => "float64",
            ColType::Str => "string",
            ColType::TsNs => "timestamp[ns, UTC]",
            ColType::StrList => "list<string>",
            ColType::U32List => "list<uint32>",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// Column name.
    pub name: &'static str,
    /// Column type.
    pub ty: ColType,
    /// Whether the column can hold nulls.
    pub nullable: bool,
    /// What it holds, in one sentence.
    pub doc: &'static str,
}

/// One table of the dataset.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// Table name (and file stem: `<name>.parquet`).
    pub name: &'static str,
    /// What one row is.
    pub doc: &'static str,
    /// Its columns, in order.
    pub columns: &'static [ColumnDef],
    /// Whether a dataset may lack the table's file (a table added after datasets were
    /// first written); such a dataset reads it as empty.
    pub optional: bool,
}

impl TableDef {
    /// The table's Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.ty.arrow(), c.nullable))
                .collect::<Vec<_>>(),
        ))
    }

    /// The file name of the table inside a dataset directory.
    pub fn file_name(&self) -> String {
        format!("{}.parquet", self.name)
    }
}

const fn col(name: &'static str, ty: ColType, doc: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable: true,
        doc,
    }
}

const fn req(name: &'static str, ty: ColType, doc: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable: false,
        doc,
    }
}

mod app_logs;
mod captures;
mod flows;
mod packets;

pub use app_logs::{DNS, HTTP};
pub use captures::CAPTURES;
pub use flows::FLOWS;
pub use packets::PACKETS;

/// Every table, in the order `pcapq schema` prints them.
pub const TABLES: [&TableDef; 5] = [&PACKETS, &FLOWS, &CAPTURES, &DNS, &HTTP];
