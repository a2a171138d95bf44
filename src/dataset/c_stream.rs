//! Tables handed to another Arrow implementation through the Arrow C stream interface
//! (the Python package gives them to pyarrow this way): the consumer takes ownership of
//! the batches' buffers in place, without a copy.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use datafusion::arrow::array::{RecordBatch, RecordBatchIterator};
use datafusion::arrow::datatypes::SchemaRef;

/// An Arrow C stream over `batches` of `schema`, in order. Dropping it unread releases
/// the batches.
pub fn c_stream(schema: SchemaRef, batches: Vec<RecordBatch>) -> FFI_ArrowArrayStream {
    let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
    FFI_ArrowArrayStream::new(Box::new(reader))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::schema::DNS;
    use arrow_array::ffi_stream::ArrowArrayStreamReader;
    use datafusion::arrow::array::{Array, Int64Array, RecordBatchReader};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn a_consumer_reads_the_same_batches_and_the_same_buffers() {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, true)]));
        let first = Int64Array::from(vec![Some(1), None, Some(3)]);
        let values_at = first.values().as_ptr();
        let batches = vec![
            RecordBatch::try_new(schema.clone(), vec![Arc::new(first)]).unwrap(),
            RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![4]))])
                .unwrap(),
        ];
        let reader = ArrowArrayStreamReader::try_new(c_stream(schema.clone(), batches)).unwrap();
        assert_eq!(reader.schema(), schema);
        let read: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
        assert_eq!(read.len(), 2);
        let n = read[0]
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        assert_eq!(n.iter().collect::<Vec<_>>(), vec![Some(1), None, Some(3)]);
        // Zero-copy: the consumer's values are the producer's buffer.
        assert_eq!(n.values().as_ptr(), values_at);
        assert_eq!(read[1].num_rows(), 1);
    }

    #[test]
    fn an_empty_table_still_carries_its_schema() {
        let reader = ArrowArrayStreamReader::try_new(c_stream(DNS.schema(), vec![])).unwrap();
        assert_eq!(reader.schema(), DNS.schema());
        assert_eq!(reader.count(), 0);
    }
}
