package ackline.evidence.s3;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Object storage for evidence ({@code ackline.s3.*}): any S3-compatible server with Object Lock (MinIO, Ceph RGW,
 * AWS S3). Setting {@code endpoint} switches evidence bodies from PostgreSQL to this bucket.
 * @param partSize multipart part size for streamed files (at least 5 MB, S3's minimum)
 * @param uploadPoll how often bodies kept in PostgreSQL while the store was down are tried again
 * @param exportsBucket where export bundles are kept until they expire (default {@code <bucket>-exports}, created
 * without Object Lock when missing): bundles are not evidence and must be deletable, which a bucket with a default
 * retention (as deployments give the evidence bucket) would refuse
 */
@ConfigurationProperties("ackline.s3")
record S3Settings(String endpoint, @DefaultValue("us-east-1") String region, String accessKey, String secretKey,
		@DefaultValue("ackline-evidence") String bucket, @DefaultValue("16MB") DataSize partSize,
		@DefaultValue("5s") Duration uploadPoll, String exportsBucket) {

	S3Settings {
		exportsBucket = exportsBucket == null || exportsBucket.isBlank() ? bucket + "-exports" : exportsBucket.strip();
		if (endpoint == null || endpoint.isBlank()) {
			throw new IllegalArgumentException("ackline.s3.endpoint is required");
		}
		if (bucket == null || bucket.isBlank()) {
			throw new IllegalArgumentException("ackline.s3.bucket is required");
		}
		if (partSize.toBytes() < 5L * 1024 * 1024) {
			throw new IllegalArgumentException("ackline.s3.part-size must be at least 5MB");
		}
	}

	static S3Settings of(String endpoint, String accessKey, String secretKey, String bucket) {
		return new S3Settings(endpoint, "us-east-1", accessKey, secretKey, bucket, DataSize.ofMegabytes(16),
				Duration.ofSeconds(5), null);
	}

}
