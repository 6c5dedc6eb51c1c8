"""Groeipad portal: server-rendered pages for employees, managers, HR and L&D."""
