"""The notifier: follows the plan feed and tells people what needs them, by e-mail, invitation and portal."""
