from tortoise import migrations

from migrations._0006_prospector import accounts, credit, prospect, purchase


class Migration(migrations.Migration):
    dependencies = [("models", "0005_lead_status")]

    initial = False

    operations = [
        credit.CREDIT_ACCOUNT,
        credit.CREDIT_LEDGER_ENTRY,
        accounts.OPERATOR_TOKEN,
        prospect.PROSPECT_ORGANIZATION,
        purchase.PROSPECT_PURCHASE_REQUEST,
        prospect.PROSPECT_SUPPRESSION,
        prospect.PROSPECT_TITLE,
        prospect.PROSPECT_PERSON,
        purchase.PROSPECT_PURCHASE,
        purchase.PROSPECT_REPORT,
        purchase.SAVED_PROSPECT_FILTER,
    ]
