"""spice-refresh ETL: the raw zone's new CSV files, as Parquet, into the processed zone.

Runs on AWS Glue (Spark). The job bookmark (transformation_ctx) makes each run read only files it
has not processed, so starting the job again after a burst of uploads does not duplicate rows.
Arguments (set by the stage): --database, --raw_table, --processed_path.
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "database", "raw_table", "processed_path"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)

raw = glue_context.create_dynamic_frame.from_catalog(
    database=args["database"],
    table_name=args["raw_table"],
    transformation_ctx="raw",
)
if raw.count() > 0:
    glue_context.write_dynamic_frame.from_options(
        frame=raw,
        connection_type="s3",
        connection_options={"path": args["processed_path"]},
        format="glueparquet",
        format_options={"compression": "snappy"},
        transformation_ctx="processed",
    )
job.commit()
