use clap::Parser;
use hookrelay::cli::{ApiKeyCommand, Cli, Command, OperatorKeyCommand, UserCommand};
use hookrelay::{commands, server, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let outcome = match cli.into_command() {
        Command::Serve(args) => server::serve(args).await,
        Command::User { command: UserCommand::Create(args) } => commands::user::create(args).await,
        Command::User { command: UserCommand::SetPassword(args) } => commands::user::set_password(args).await,
        Command::ApiKey { command: ApiKeyCommand::Create(args) } => commands::api_key::create(args).await,
        Command::OperatorKey { command: OperatorKeyCommand::Create(args) } => {
            commands::operator_key::create(args).await
        }
        Command::OperatorKey { command: OperatorKeyCommand::List(args) } => commands::operator_key::list(args).await,
        Command::OperatorKey { command: OperatorKeyCommand::Revoke(args) } => {
            commands::operator_key::revoke(args).await
        }
        Command::Backup(args) => commands::backup::run(args).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hookrelay: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
