package ackline;

import java.time.Clock;
import java.time.ZoneId;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Ackline: the contact-centre hub of a brokerage's client-service desk. */
@SpringBootApplication
@EnableScheduling
public class AcklineApplication {

	public static void main(String[] args) {
		SpringApplication.run(AcklineApplication.class, args);
	}

	/** Business time is Beijing time, whatever the server's zone (DOMAIN.md). */
	@Bean
	Clock clock() {
		return Clock.system(ZoneId.of("Asia/Shanghai"));
	}

}
