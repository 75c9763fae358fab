package ackline.evidence.s3;

import java.time.Clock;
import java.util.UUID;

import javax.sql.DataSource;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceStore;
import ackline.testing.s3.S3MockServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which store the application gets, found by component scanning as in the application: PostgreSQL without
 * {@code ackline.s3.endpoint}, S3 with it, and a start refused when the bucket does not protect evidence.
 */
class S3EvidenceStoreConfigurationTests {

	static DataSource dataSource;

	@BeforeAll
	static void database() {
		dataSource = EvidenceDatabase.create();
	}

	final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Infrastructure.class);

	@Test
	void withoutAnEndpointEvidenceStaysInPostgreSql() {
		runner.withPropertyValues("ackline.s3.endpoint=").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(EvidenceStore.class).getClass().getSimpleName()).isEqualTo("JdbcEvidenceStore");
			assertThat(context).doesNotHaveBean(EvidenceProtection.class);
		});
	}

	@Test
	void anEndpointSwitchesToTheS3StoreAndWarnStartsDegraded() {
		runner.withPropertyValues(s3("warn")).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(EvidenceStore.class).isInstanceOf(S3EvidenceStore.class);
			assertThat(context.getBean(EvidenceProtection.class).status())
				.isEqualTo(EvidenceProtection.Status.NOT_ENFORCING);
		});
	}

	@Test
	void enforceRefusesToStartOnAStoreThatDoesNotProtectEvidence() {
		runner.withPropertyValues(s3("enforce")).run(context -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("does not protect evidence")
			.hasMessageContaining("canary"));
	}

	private static String[] s3(String selfCheck) {
		return new String[] { "ackline.s3.endpoint=" + S3MockServer.shared().endpoint(),
				"ackline.s3.access-key=" + S3MockServer.ACCESS_KEY, "ackline.s3.secret-key=" + S3MockServer.SECRET_KEY,
				"ackline.s3.bucket=wiring-" + UUID.randomUUID(), "ackline.evidence.self-check=" + selfCheck,
				"ackline.evidence.self-check-canary=true" };
	}

	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackages = { "ackline.evidence.jdbc", "ackline.evidence.s3" },
			useDefaultFilters = false,
			includeFilters = @ComponentScan.Filter(type = org.springframework.context.annotation.FilterType.REGEX,
					pattern = ".*EvidenceStoreConfiguration"))
	static class Infrastructure {

		@Bean
		JdbcClient jdbcClient() {
			return JdbcClient.create(dataSource);
		}

		@Bean
		JdbcTemplate jdbcTemplate() {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		PlatformTransactionManager transactionManager() {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

}
