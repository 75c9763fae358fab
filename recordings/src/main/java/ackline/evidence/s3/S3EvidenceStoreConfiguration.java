package ackline.evidence.s3;

import java.time.Clock;
import java.util.Locale;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.EvidenceStore;
import ackline.evidence.export.BundleStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts evidence bodies in S3 object storage when {@code ackline.s3.endpoint} is set (the PostgreSQL store steps
 * aside), after a start-up self-check of the bucket: {@code ackline.evidence.self-check} = {@code enforce} (default:
 * refuse to start when the bucket does not protect evidence), {@code warn} (start, health DOWN) or {@code off};
 * {@code ackline.evidence.self-check-canary=true} also proves a locked canary cannot be deleted.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${ackline.s3.endpoint:}'.isBlank()")
@EnableConfigurationProperties(S3Settings.class)
class S3EvidenceStoreConfiguration {

	private static final Logger log = LoggerFactory.getLogger(S3EvidenceStoreConfiguration.class);

	/** How the start-up self-check acts on what it finds. */
	enum SelfCheck {

		ENFORCE, WARN, OFF

	}

	@Bean
	S3Bucket evidenceBucket(S3Settings settings) {
		return new S3Bucket(settings);
	}

	@Bean
	EvidenceProtection evidenceProtection(S3Bucket bucket, Environment environment) {
		SelfCheck mode = SelfCheck.valueOf(
				environment.getProperty("ackline.evidence.self-check", "enforce").strip().toUpperCase(Locale.ROOT));
		boolean canary = environment.getProperty("ackline.evidence.self-check-canary", Boolean.class, false);
		return check(bucket, mode, canary);
	}

	static EvidenceProtection check(S3Bucket bucket, SelfCheck mode, boolean canary) {
		if (mode == SelfCheck.OFF) {
			return new EvidenceProtection(EvidenceProtection.Status.NOT_CHECKED, "s3://" + bucket.name(),
					java.util.List.of("self-check off (ackline.evidence.self-check=off)"));
		}
		EvidenceProtection protection;
		try {
			bucket.createIfMissing();
			protection = bucket.selfCheck(canary);
		}
		catch (S3StorageException ex) {
			protection = new EvidenceProtection(EvidenceProtection.Status.NOT_CHECKED, "s3://" + bucket.name(),
					java.util.List.of("self-check failed: " + ex.getMessage()));
		}
		if (protection.status() != EvidenceProtection.Status.ENFORCING) {
			String message = "The evidence store " + protection.store() + " does not protect evidence ("
					+ protection.status() + "): " + String.join("; ", protection.findings());
			if (mode == SelfCheck.ENFORCE) {
				throw new IllegalStateException(message + ". Use a bucket with Object Lock and versioning on a server "
						+ "that enforces it, or set ackline.evidence.self-check=warn to start degraded.");
			}
			log.error("{} (ackline.evidence.self-check=warn: starting anyway)", message);
		}
		else {
			log.info("Evidence store {} enforces Object Lock{}", protection.store(), canary ? " (canary refused)" : "");
		}
		return protection;
	}

	/** Depends on the self-check so that nothing is stored before it has passed. */
	@Bean
	EvidenceStore s3EvidenceStore(S3Bucket bucket, JdbcClient jdbc, Clock clock, EvidenceRetention retention,
			EvidenceProtection protection) {
		return new S3EvidenceStore(bucket, jdbc, clock, retention);
	}

	/**
	 * Export bundles in the exports bucket ({@code ackline.s3.exports-bucket}, default {@code <bucket>-exports}),
	 * created without Object Lock when missing. A bucket with a default retention would keep every bundle under it and
	 * refuse their deletion when they expire: that is logged as an ERROR at start-up (exports still work).
	 */
	@Bean
	BundleStorage exportBundleStorage(S3Settings settings) {
		S3Bucket exports = new S3Bucket(settings, settings.exportsBucket());
		try {
			if (!exports.name().equals(settings.bucket())) {
				exports.createPlainIfMissing();
			}
			exports.defaultRetention()
				.ifPresent(retention -> log.error("The exports bucket {} has a default Object Lock retention ({}): "
						+ "expired export bundles cannot be deleted from it. Set ackline.s3.exports-bucket to a bucket "
						+ "without Object Lock.", exports.name(), retention));
		}
		catch (S3StorageException ex) {
			log.warn("Exports bucket {} not checked: {}", exports.name(), ex.getMessage());
		}
		return new S3BundleStorage(exports);
	}

	@Bean
	S3UploadQueue evidenceUploadQueue(S3Bucket bucket, JdbcClient jdbc, PlatformTransactionManager transactions,
			Clock clock, EvidenceRetention retention, S3Settings settings) {
		return new S3UploadQueue(bucket, jdbc, new TransactionTemplate(transactions), clock, retention,
				settings.uploadPoll());
	}

}
