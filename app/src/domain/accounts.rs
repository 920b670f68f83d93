//! Accounts: registering one (with its owner), the accounts an operator creates for its
//! customers, and the people who are members of one.

use super::ids::new_id;
use super::paging::PageRequest;
use super::users::{normalize_email, SignedIn};
use super::{format_time, now_ms, passwords};
use crate::error::AppError;
use crate::model::{Account, AccountInput, Member, Page};
use crate::store::{is_unique_violation, AccountRecord, NewAccount, NewUser, Store};
use crate::validation::{check_name, check_password};

/// Creates a user and an account owned by that user. The user is the instance admin when
/// `admin` asks for it (the command line's `user create --admin`) or when theirs is the
/// instance's first account; never by registering on an instance that has accounts already.
pub async fn register(store: &Store, email: &str, password: &str, admin: bool) -> Result<SignedIn, AppError> {
    let email = normalize_email(email)?;
    check_password(password).map_err(|message| AppError::validation("password", message))?;

    let password_hash = passwords::hash(password.to_string()).await?;
    let now = now_ms();
    let account_id = new_id("acc");
    let user_id = new_id("usr");
    let account = NewAccount { id: &account_id, name: &email, created_at: now };
    let user = NewUser { id: &user_id, email: &email, password_hash: &password_hash, created_at: now };
    match store.insert_account_with_owner(&account, &user, admin).await {
        Ok(admin) => {
            if admin {
                tracing::info!(%user_id, "the instance admin");
            }
            Ok(SignedIn { user_id, account_id, email })
        }
        Err(error) if is_unique_violation(&error) => Err(AppError::Conflict {
            field: Some("email".into()),
            message: "An account with this email already exists. Log in instead.".into(),
        }),
        Err(error) => Err(error.into()),
    }
}

const MAX_EXTERNAL_ID_CHARS: usize = 100;

/// How an account is named by its external id in paths and headers.
pub const EXTERNAL_ID_PREFIX: &str = "ext_";

fn check_external_id(external_id: &str) -> Result<(), AppError> {
    let valid = !external_id.is_empty()
        && external_id.len() <= MAX_EXTERNAL_ID_CHARS
        && external_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(AppError::validation(
            "external_id",
            format!("An external id is 1 to {MAX_EXTERNAL_ID_CHARS} letters, digits, '-', '_' or '.'."),
        ))
    }
}

fn to_model(record: AccountRecord) -> Account {
    Account {
        id: record.id,
        name: record.name,
        external_id: record.external_id,
        created_at: format_time(record.created_at),
    }
}

pub async fn create_account(store: &Store, input: AccountInput) -> Result<Account, AppError> {
    let name = check_name(&input.name).map_err(|message| AppError::validation("name", message))?;
    if let Some(external_id) = &input.external_id {
        check_external_id(external_id)?;
    }
    let record = AccountRecord { id: new_id("acc"), name, external_id: input.external_id, created_at: now_ms() };
    match store.insert_account(&record).await {
        Ok(()) => Ok(to_model(record)),
        Err(error) if is_unique_violation(&error) => Err(AppError::Conflict {
            field: Some("external_id".into()),
            message: "Another account has this external id.".into(),
        }),
        Err(error) => Err(error.into()),
    }
}

/// An account named by its id (`acc_…`) or external id (`ext_…`); `NotFound` otherwise.
pub async fn find_account(store: &Store, reference: &str) -> Result<Account, AppError> {
    let found = match reference.strip_prefix(EXTERNAL_ID_PREFIX) {
        Some(external_id) => store.find_account(external_id, true).await?,
        None => store.find_account(reference, false).await?,
    };
    found.map(to_model).ok_or(AppError::NotFound)
}

pub async fn list_accounts(store: &Store, request: &PageRequest) -> Result<Page<Account>, AppError> {
    let window = request.window("acc")?;
    let rows = store.list_accounts(window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_model))
}

/// The people who can sign in to the account.
pub async fn members(store: &Store, account_id: &str) -> Result<Vec<Member>, AppError> {
    Ok(store
        .members(account_id)
        .await?
        .into_iter()
        .map(|(user_id, email, role, joined)| Member { user_id, email, role, created_at: format_time(joined) })
        .collect())
}

/// Removes a person from the account: their sessions in it end at their next request (every
/// request checks the membership). Their login and other accounts stay.
pub async fn remove_member(store: &Store, account_id: &str, user_id: &str) -> Result<(), AppError> {
    if store.remove_member(account_id, user_id).await? {
        tracing::info!(%account_id, %user_id, "member removed");
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
