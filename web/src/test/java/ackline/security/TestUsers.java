package ackline.security;

import java.util.List;

import org.springframework.stereotype.Component;

/** Creates users for tests (password = user name). */
@Component
public class TestUsers {

	private final AppUsers users;

	TestUsers(AppUsers users) {
		this.users = users;
	}

	public void agent(String name) {
		users.save(name, name, List.of(Role.AGENT), name);
	}

	public void supervisor(String name) {
		users.save(name, name, List.of(Role.SUPERVISOR), name);
	}

}
