use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;

    let response = app.get("/healthz", None).await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    app.stop().await;
}

#[tokio::test]
async fn the_database_file_is_created_in_the_data_folder() {
    let app = spawn_app().await;

    assert!(app.data_dir.join("hookrelay.db").is_file());
    assert!(app.data_dir.join("session.key").is_file());
    app.stop().await;
}
