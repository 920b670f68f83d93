-- Sessions signed in before this time (Unix ms) are over: setting a password moves it to now,
-- so a changed or reset password ends every session of the user, a stolen one included.
ALTER TABLE users ADD COLUMN sessions_valid_after INTEGER NOT NULL DEFAULT 0;
