from tortoise import migrations

from migrations._0001_initial import accounts, activity, contacts, deals, leads


class Migration(migrations.Migration):
    initial = True

    operations = [
        accounts.COMPANY,
        leads.LEAD_LABEL,
        deals.PIPELINE,
        deals.STAGE,
        accounts.TEAM,
        accounts.USER,
        accounts.API_TOKEN,
        activity.CHANGE_LOG_ENTRY,
        contacts.ORGANIZATION,
        contacts.PERSON,
        deals.DEAL,
        leads.LEAD,
        activity.ACTIVITY,
        activity.EMAIL,
        leads.LEAD_LABEL_LINK,
        activity.NOTE,
        activity.NOTE_MENTION,
        accounts.TEAM_MEMBER,
    ]
