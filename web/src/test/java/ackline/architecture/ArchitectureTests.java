package ackline.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The house rules that keep Ackline's modules apart: vendor SDKs only inside their adapter, the notice
 * domain free of adapters, and no module reaching into another's internals.
 */
class ArchitectureTests {

	static final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("ackline");

	@Test
	void twilioSdkOnlyInTheSmsAdapter() {
		ArchRule rule = noClasses().that().resideOutsideOfPackage("ackline.sms..")
			.should().dependOnClassesThat().resideInAPackage("com.twilio..");
		rule.check(classes);
	}

	@Test
	void jakartaMailOnlyInTheEmailAdapter() {
		ArchRule rule = noClasses().that().resideOutsideOfPackage("ackline.email..")
			.should().dependOnClassesThat().resideInAnyPackage("jakarta.mail..", "org.eclipse.angus..");
		rule.check(classes);
	}

	@Test
	void asteriskJavaOnlyInTheAsteriskAdapter() {
		// the simulated PBX (telephony's test jar) is checked against Asterisk-Java as a client in its own tests
		ArchRule rule = noClasses().that().resideOutsideOfPackages("ackline.asterisk..", "ackline.pbx..")
			.should().dependOnClassesThat().resideInAPackage("org.asteriskjava..");
		rule.check(classes);
	}

	@Test
	void jedisOnlyInTheRedisAdapters() {
		ArchRule rule = noClasses().that().resideOutsideOfPackages("ackline.queue..", "ackline.ratelimit..", "ackline.redis..")
			.should().dependOnClassesThat().resideInAnyPackage("redis.clients..", "io.github.bucket4j..");
		rule.check(classes);
	}

	@Test
	void minioOnlyInTheS3EvidenceStore() {
		ArchRule rule = noClasses().that().resideOutsideOfPackage("ackline.evidence.s3..")
			.should().dependOnClassesThat().resideInAnyPackage("io.minio..", "okhttp3..");
		rule.check(classes);
	}

	@Test
	void theNoticeDomainDoesNotKnowItsAdapters() {
		ArchRule rule = noClasses().that().resideInAPackage("ackline.notice..")
			.should().dependOnClassesThat().resideInAnyPackage("ackline.sms..", "ackline.email..", "ackline.evidence.jdbc..",
					"ackline.evidence.s3..", "ackline.api..", "ackline.webhook..");
		rule.check(classes);
	}

	@Test
	void modulesMeetOnlyThroughCore() {
		noClasses().that().resideInAnyPackage("ackline.notice..", "ackline.sms..", "ackline.email..")
			.should().dependOnClassesThat().resideInAnyPackage("ackline.evidence.jdbc..", "ackline.callback..", "ackline.dialer..",
					"ackline.asterisk..")
			.check(classes);
	}

}
