package ackline.evidence.s3;

/** Where one body is: an object version in a bucket. */
record S3Location(String bucket, String key, String versionId) {
}
