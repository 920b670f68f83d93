-- The instance admin (the operator page: every account's name and figures) is named, not
-- inferred from who registered first: `hookrelay user create --admin`, or the first person to
-- register on an instance that has no account yet.
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;

-- Until now the first owner was the admin. Keep that only where the same rule would have made
-- them admin: they own the instance's oldest account (operators' accounts have no owner, so a
-- stranger who registered on an instance in operator mode does not qualify).
UPDATE users SET is_admin = 1
WHERE id = (
    SELECT m.user_id FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.role = 'owner'
    WHERE a.id <> 'acc_catalog'
      AND a.created_at = (SELECT MIN(created_at) FROM accounts WHERE id <> 'acc_catalog')
    ORDER BY a.id LIMIT 1
);
